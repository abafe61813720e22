# Circles in a container: the locked runtime dependencies and the wheel built from this checkout,
# run as an unprivileged user. Build: `docker build -t circles .`; with PostgreSQL: compose.yaml.

# --- build the wheel (package data included: catalogues, config.yaml, migrations, manifest) ---
FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

# --- the image that runs ---
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Logs for collectors; the SQLite default lives in the volume-friendly data directory.
    CIRCLES_LOGGING__FORMAT=json \
    CIRCLES_DATABASE__URL=sqlite+aiosqlite:////home/circles/data/circles.db
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin circles
# The exact versions of requirements.lock first: this layer is reused until the lock changes.
COPY requirements.lock /tmp/requirements.lock
RUN pip install -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-deps /tmp/dist/*.whl && rm -rf /tmp/dist
COPY docker/entrypoint.sh /usr/local/bin/circles-entrypoint
USER circles
WORKDIR /home/circles
RUN mkdir -p /home/circles/data
EXPOSE 8080
# /healthz answers 200 while the database answers (the slim image has no curl: Python asks).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('CIRCLES_SERVER__PORT', '8080'), timeout=4)"
ENTRYPOINT ["circles-entrypoint"]
CMD ["run"]
