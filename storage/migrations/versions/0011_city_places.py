"""circles are found by place, not by the typed words: recompute every stored city key

Until now a circle's city key was its typed city folded ("münchen"), so "Munich" did not find it.
Now it is the gazetteer's place (``geo:<GeoNames id>``), whatever name the city was typed in;
a place the gazetteer does not know keeps its folded name. Downgrading folds the typed names again.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_circles = sa.table(
    "circles",
    sa.column("id", sa.Integer()),
    sa.column("venue_name", sa.String()),
    sa.column("venue_city", sa.String()),
    sa.column("venue_city_key", sa.String()),
)


def _recompute(key_of_city: object) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_circles.c.id, _circles.c.venue_name, _circles.c.venue_city)).all()
    for circle_id, venue_name, city in rows:
        if city:
            key = key_of_city(city)  # type: ignore[operator]
        else:
            key = "online" if (venue_name or "").strip().casefold() == "online" else ""
        bind.execute(sa.update(_circles).where(_circles.c.id == circle_id).values(venue_city_key=key))


def upgrade() -> None:
    # The gazetteer is the application's (bot.geo); a data migration needs the very rule the
    # running bot applies, so it is imported here rather than copied.
    from bot.geo import place_key

    _recompute(place_key)


def downgrade() -> None:
    from bot.geo import normalise_place

    _recompute(normalise_place)
