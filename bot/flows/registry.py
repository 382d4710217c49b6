"""Every flow by name, and the router that moves a conversation between them and the menu."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.people import AccountRole
from bot.flows import menu
from bot.flows.base import Flow
from bot.flows.certification import CertificationFlow
from bot.flows.context import Context
from bot.flows.death_report import DeathReportFlow
from bot.flows.family_registration import FamilyRegistrationFlow
from bot.flows.handoff import HandoffFlow
from bot.flows.language import LanguageFlow
from bot.flows.notices import NoticesFlow
from bot.flows.policy import PolicyFlow
from bot.flows.reschedule import RescheduleFlow
from bot.flows.retiree_registration import RetireeRegistrationFlow
from bot.flows.settings import SettingsFlow
from bot.flows.staff_certification import StaffCertificationFlow
from bot.flows.staff_claims import StaffClaimsFlow
from bot.flows.start import StartFlow

FLOWS: Mapping[str, Flow] = {
    flow.name: flow
    for flow in (
        StartFlow(),
        LanguageFlow(),
        RetireeRegistrationFlow(),
        FamilyRegistrationFlow(),
        SettingsFlow(),
        PolicyFlow(),
        HandoffFlow(),
        CertificationFlow(),
        StaffCertificationFlow(),
        StaffClaimsFlow(),
        DeathReportFlow(),
        NoticesFlow(),
        RescheduleFlow(),
    )
}


class FlowRouter:
    async def begin(self, ctx: Context, flow: str, lead: str | None = None) -> None:
        await FLOWS[flow].begin(ctx, lead)

    async def show_menu(self, ctx: Context, lead: str | None = None) -> None:
        ctx.state = None
        if ctx.account.role is AccountRole.NEW:
            # Someone not yet identified has no menu: their "home" is the question who they are.
            await FLOWS["start"].begin(ctx, lead)
        else:
            await menu.show(ctx, lead)

    async def follow_menu_button(self, ctx: Context) -> bool:
        return await menu.follow_menu_button(ctx)
