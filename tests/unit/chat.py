"""A scripted user talking to a BotCore backed by the in-memory fakes."""

from __future__ import annotations

import itertools
import json
from datetime import date

from bot.actions import Action, AnswerCallback, DeleteMessage, InlineKeyboard, ReplyKeyboard, SendText
from bot.core import BotCore
from bot.domain.conversation import ConversationState
from bot.domain.people import Account, RetireeRecord
from bot.domain.resident_id import ResidentId
from bot.events import Event, EventKind
from bot.services.certification_profile import CertificationProfile
from tests.fakes import FakeClock, FakeDatabase
from tests.parts import county_profile, shared_i18n, shared_knowledge

ID_KEY = b"unit-test-key"
_update_ids = itertools.count(1)


def make_id(born: date = date(1950, 5, 17), sequence: int = 123, region: str = "210102") -> ResidentId:
    return ResidentId.build(region, born, sequence)


class World:
    """The database, the clock and the core: what several chats share."""

    def __init__(self, profile: CertificationProfile | None = None) -> None:
        self.db = FakeDatabase()
        self.clock = FakeClock()
        self.profile = profile or county_profile()
        self.core = BotCore(
            uow_factory=self.db.uow,
            clock=self.clock,
            id_hash_key=ID_KEY,
            i18n=shared_i18n(),
            profile=self.profile,
            knowledge=shared_knowledge(),
        )
        self.community = self.db.add_unit("C001", "幸福社区")

    def add_retiree(self, name: str, resident_id: ResidentId, *, deceased: bool = False) -> int:
        record = RetireeRecord(
            name=name,
            id_hash=resident_id.keyed_hash(ID_KEY),
            id_masked=resident_id.masked,
            birth_date=resident_id.birth_date,
            retirement_date=date(2010, 6, 1),
            community_code=self.community.code,
            deceased=deceased,
        )
        return self.db.add_retiree(record).id

    def chat(self, user_id: int = 501, language_code: str | None = "zh-hans") -> Chat:
        return Chat(self, user_id, language_code)


class Chat:
    def __init__(self, world: World, user_id: int, language_code: str | None) -> None:
        self.world = world
        self.user_id = user_id
        self.language_code = language_code
        self.last: list[Action] = []
        self.last_message_id: int | None = None  # of the user's last message (or the pressed button's)
        self._message_ids = itertools.count(10)

    async def _event(self, **fields: object) -> list[Action]:
        event = Event(
            update_id=next(_update_ids),
            chat_id=self.user_id,
            user_id=self.user_id,
            language_code=self.language_code,
            first_name="Test",
            **fields,  # type: ignore[arg-type]
        )
        self.last_message_id = event.message_id
        self.last = await self.world.core.handle(event)
        return self.last

    async def say(self, text: str) -> list[Action]:
        return await self._event(kind=EventKind.TEXT, text=text, message_id=next(self._message_ids))

    async def command(self, command: str, args: str = "") -> list[Action]:
        return await self._event(
            kind=EventKind.COMMAND, command=command, text=args, message_id=next(self._message_ids)
        )

    async def press(self, data: str, message_id: int = 99) -> list[Action]:
        return await self._event(
            kind=EventKind.CALLBACK, callback_id=f"cb{message_id}", callback_data=data, message_id=message_id
        )

    async def send_media(
        self, kind: EventKind, *, mime_type: str | None = None, size: int | None = None
    ) -> list[Action]:
        if mime_type is None and kind is EventKind.DOCUMENT:
            mime_type = "application/pdf"
        return await self._event(
            kind=kind,
            file_id="file-1",
            mime_type=mime_type,
            file_size=size,
            message_id=next(self._message_ids),
        )

    async def share_contact(self, phone: str) -> list[Action]:
        return await self._event(kind=EventKind.CONTACT, phone=phone, message_id=next(self._message_ids))

    # --- looking at what came back -----------------------------------------------------------

    @property
    def texts(self) -> list[str]:
        return [a.text for a in self.last if isinstance(a, SendText)]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def reply_keyboard(self) -> ReplyKeyboard:
        boards = [a.keyboard for a in self.last if isinstance(a, SendText)]
        found = [k for k in boards if isinstance(k, ReplyKeyboard)]
        assert found, f"no reply keyboard in {self.last}"
        return found[-1]

    @property
    def inline_keyboard(self) -> InlineKeyboard:
        found = [
            a.keyboard
            for a in self.last
            if isinstance(a, SendText) and isinstance(a.keyboard, InlineKeyboard)
        ]
        assert found, f"no inline keyboard in {self.last}"
        keyboard = found[-1]
        assert isinstance(keyboard, InlineKeyboard)
        return keyboard

    @property
    def buttons(self) -> list[str]:
        return [label for row in self.reply_keyboard.rows for label in row]

    @property
    def deleted(self) -> list[int]:
        return [a.message_id for a in self.last if isinstance(a, DeleteMessage)]

    @property
    def answered(self) -> list[AnswerCallback]:
        return [a for a in self.last if isinstance(a, AnswerCallback)]

    @property
    def account(self) -> Account:
        return next(a for a in self.world.db.state.accounts.values() if a.telegram_user_id == self.user_id)

    @property
    def state(self) -> ConversationState | None:
        raw = self.world.db.state.conversations.get((self.user_id, self.user_id))
        if raw is None:
            return None
        data = json.loads(raw)
        return ConversationState(data["flow"], data["step"], data["data"])

    @property
    def raw_state(self) -> str:
        return self.world.db.state.conversations.get((self.user_id, self.user_id), "")


ROSTER_NAME = "张伟"
ROSTER_ID = make_id()

# Every place a conversation can be, and how a new user gets there.
STEPS = (
    "start/role",
    "language/choose",
    "retiree_registration/name",
    "retiree_registration/id_number",
    "family_registration/name",
    "family_registration/id_number",
    "family_registration/relation",
    "settings/menu",
    "settings/confirm_unlink",
    "menu/retiree",
    "menu/staff",
)


async def registered_retiree(world: World, user_id: int = 501, language_code: str = "zh-hans") -> Chat:
    if not any(r.name == ROSTER_NAME for r in world.db.state.retirees.values()):
        world.add_retiree(ROSTER_NAME, ROSTER_ID)
    chat = world.chat(user_id, language_code)
    await chat.command("start")
    await chat.say("👴 我是退休人员")
    await chat.say(ROSTER_NAME)
    await chat.say(ROSTER_ID.unmasked())
    assert chat.state is None, chat.text
    return chat


async def at_step(world: World, step: str) -> Chat:
    """A chat of a new user brought to `step` (the world gets the roster entry it needs)."""
    if not any(r.name == ROSTER_NAME for r in world.db.state.retirees.values()):
        world.add_retiree(ROSTER_NAME, ROSTER_ID)
    if step.startswith(("settings/", "menu/retiree")):
        chat = await registered_retiree(world)
        if step != "menu/retiree":
            await chat.say("⚙️ 设置")
        if step == "settings/confirm_unlink":
            await chat.say("🔓 解除账号绑定")
        return chat
    chat = world.chat()
    if step == "menu/staff":
        from bot.domain.people import StaffRole
        from bot.services.staff_invites import create_invite

        token = await create_invite(world.db.uow, world.community.code, StaffRole.STAFF, world.clock)
        await chat.command("start", token)
        return chat
    await chat.command("start")
    if step == "language/choose":
        await chat.command("language")
    elif step.startswith("retiree_registration/"):
        await chat.say("👴 我是退休人员")
        if step.endswith("id_number"):
            await chat.say(ROSTER_NAME)
    elif step.startswith("family_registration/"):
        await chat.say("👪 我是家属")
        if not step.endswith("/name"):
            await chat.say(ROSTER_NAME)
        if step.endswith("relation"):
            await chat.say(ROSTER_ID.unmasked())
    flow, _, name = step.partition("/")
    assert chat.state is not None
    assert (chat.state.flow, chat.state.step) == (flow, name), chat.state
    return chat
