"""`retiree-bot demo`: the emulator, the bot and a terminal chat in one process."""
