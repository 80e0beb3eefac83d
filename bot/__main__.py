"""`python -m bot` is the `quizbot` command."""

from bot.cli import main

if __name__ == "__main__":
    # The same name in usage lines and messages as the installed command.
    main(prog_name="quizbot")
