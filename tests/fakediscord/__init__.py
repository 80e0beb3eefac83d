"""A local emulator of the Discord HTTP API v10 and gateway, for testing with real discord.py.

See README.md in this folder.
"""

from .content import Attachment, Message
from .errors import ApiError, DriverTimeout, FakeDiscordError, NoBotConnected
from .gateway import Session
from .models import Channel, Guild, Member, Role, User
from .payloads import Upload
from .records import CallbackRecord, InteractionRecord, RequestRecord, summarize_latencies
from .server import FakeDiscord

__all__ = [
    "ApiError",
    "Attachment",
    "CallbackRecord",
    "Channel",
    "DriverTimeout",
    "FakeDiscord",
    "FakeDiscordError",
    "Guild",
    "InteractionRecord",
    "Member",
    "Message",
    "NoBotConnected",
    "RequestRecord",
    "Role",
    "Session",
    "Upload",
    "User",
    "summarize_latencies",
]
