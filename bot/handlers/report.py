"""/report (F7): preview the end-of-circle report with its chart."""

from __future__ import annotations

from bot.actions import PreviewReport, SendReport, ShareInReport, stored
from bot.conversation.context import Context
from bot.conversation.messages import Button
from bot.delivery import circle_end
from bot.render.report import report_chart, report_text
from bot.usecases import report


async def report_command(ctx: Context) -> None:
    circles = await ctx.unit.circles.facilitated_by(ctx.person_id)
    if not circles:
        ctx.say(ctx.t("Reports are for facilitators: you do not facilitate a circle yet."))
        return
    if len(circles) == 1 and circles[0].id is not None:
        await preview(ctx, circles[0].id)
        return
    ctx.say(
        ctx.t("The report of which circle?"),
        [[Button(c.name[:60], PreviewReport(stored(c.id)).token)] for c in circles],
    )


async def preview(ctx: Context, circle_id: int) -> None:
    """The whole report, as facilitators and organizers read it, and what the learners' copy leaves out."""
    built = await report.build(ctx.unit, circle_id, ctx.person_id, ctx.now)
    reply = ctx.say(report_text(ctx.t, built) + "\n\n" + _learners_copy(ctx, built), _buttons(ctx, built))
    reply.attachment = report_chart(ctx.t, built)


def _learners_copy(ctx: Context, built: report.Report) -> str:
    if ctx.person_id in built.shared_by:
        return ctx.t(
            "Learners get this report with your reflections and your survey comment. Learners' own "
            "comments, and other facilitators' words they did not choose to share, are left out; your "
            "team's organizers get all of it."
        )
    return ctx.t(
        "Learners get this report without the facilitators' reflections, the facilitator survey's "
        "comments and learners' own comments; your team's organizers get all of it."
    )


def _buttons(ctx: Context, built: report.Report) -> list[list[Button]]:
    circle_id = stored(built.circle.id)
    buttons = [[Button(ctx.t("Send it to the learners and organizers"), SendReport(circle_id).token)]]
    if ctx.person_id in built.facilitator_ids:
        if ctx.person_id in built.shared_by:
            toggle = Button(ctx.t("Leave my reflections out for learners"), ShareInReport(circle_id, False).token)
        else:
            toggle = Button(ctx.t("Include my reflections for learners"), ShareInReport(circle_id, True).token)
        buttons.insert(0, [toggle])
    return buttons


async def share(ctx: Context, circle_id: int, include: bool) -> None:
    """F7/L5: the facilitator's choice for the learners' copy, kept until the copies are sent."""
    await report.share_reflections(ctx.unit, circle_id, ctx.person_id, include)
    built = await report.build(ctx.unit, circle_id, ctx.person_id, ctx.now)
    ctx.say(_learners_copy(ctx, built), _buttons(ctx, built))


async def send(ctx: Context, circle_id: int) -> None:
    """F7/L5: the report goes to every learner and the team's organizers through the outbox."""
    queued = await circle_end.send_report(ctx.unit, circle_id, ctx.person_id, ctx.now)
    if queued:
        ctx.say(
            ctx.t.plural("The report is on its way to {n} person.", "The report is on its way to {n} people.", queued)
        )
    else:
        ctx.say(ctx.t("Everyone has the report already."))
