"""/report (F7): preview the end-of-circle report with its chart."""

from __future__ import annotations

from bot.actions import PreviewReport, stored
from bot.conversation.context import Context
from bot.conversation.messages import Button
from bot.delivery import circle_end
from bot.usecases import managing, report
from bot.views.report import learners_copy_note, report_buttons, report_chart, report_text


async def report_command(ctx: Context) -> None:
    circles = await ctx.run(managing.facilitated_circles, ctx.person_id)
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
    built = await ctx.run(report.build, circle_id, ctx.person_id, ctx.now)
    reply = ctx.say(
        report_text(ctx.t, built) + "\n\n" + learners_copy_note(ctx.t, built, ctx.person_id),
        report_buttons(ctx.t, built, ctx.person_id),
    )
    reply.attachment = report_chart(ctx.t, built)


async def share(ctx: Context, circle_id: int, include: bool) -> None:
    """F7/L5: the facilitator's choice for the learners' copy, kept until the copies are sent."""
    built = await ctx.run(report.share_and_build, circle_id, ctx.person_id, include, ctx.now)
    ctx.say(learners_copy_note(ctx.t, built, ctx.person_id), report_buttons(ctx.t, built, ctx.person_id))


async def send(ctx: Context, circle_id: int) -> None:
    """F7/L5: the report goes to every learner and the team's organizers through the outbox."""
    queued = await ctx.run(circle_end.send_report, circle_id, ctx.person_id, ctx.now)
    if queued:
        ctx.say(
            ctx.t.plural("The report is on its way to {n} person.", "The report is on its way to {n} people.", queued)
        )
    else:
        ctx.say(ctx.t("Everyone has the report already."))
