"""/report (F7): preview the end-of-circle report with its chart."""

from __future__ import annotations

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
    ctx.say(ctx.t("The report of which circle?"), [[Button(c.name[:60], f"rp:{c.id}")] for c in circles])


async def preview(ctx: Context, circle_id: int) -> None:
    figures = await report.build(ctx.unit, circle_id, ctx.person_id, ctx.now)
    reply = ctx.say(
        report_text(ctx.t, figures),
        [[Button(ctx.t("Send it to the learners and organizers"), f"rps:{circle_id}")]],
    )
    reply.attachment = report_chart(ctx.t, figures)


async def send(ctx: Context, circle_id: int) -> None:
    """F7/L5: the report goes to every learner and the team's organizers through the outbox."""
    queued = await circle_end.send_report(ctx.unit, circle_id, ctx.person_id, ctx.now)
    if queued:
        ctx.say(
            ctx.t.plural("The report is on its way to {n} person.", "The report is on its way to {n} people.", queued)
        )
    else:
        ctx.say(ctx.t("Everyone has the report already."))
