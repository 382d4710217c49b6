"""retiree-bot: a Telegram service for enterprise retirees, their families and community staff.

The core (this package, storage/ and scheduler/) never imports a Telegram framework; the adapters in
handlers/ translate between aiogram or python-telegram-bot and the neutral events and actions defined here.
"""
