"""A local emulator of the Discord HTTP API v10 and gateway, for testing with real discord.py.

See README.md in this folder.
"""

from .clock import Clock
from .content import Attachment, Message
from .errors import ApiError, DriverTimeout, FakeDiscordError, NoBotConnected
from .gateway import Session
from .models import Channel, Guild, Member, Role, User
from .payloads import Upload
from .ratelimits import RateLimited, RateLimits, Rule
from .records import (
    CallbackRecord,
    InteractionRecord,
    LateRefusal,
    RequestRecord,
    summarize_latencies,
)
from .server import FakeDiscord

__all__ = [
    "ApiError",
    "Attachment",
    "CallbackRecord",
    "Channel",
    "Clock",
    "DriverTimeout",
    "FakeDiscord",
    "FakeDiscordError",
    "Guild",
    "InteractionRecord",
    "LateRefusal",
    "Member",
    "Message",
    "NoBotConnected",
    "RateLimited",
    "RateLimits",
    "RequestRecord",
    "Role",
    "Rule",
    "Session",
    "Upload",
    "User",
    "summarize_latencies",
]
