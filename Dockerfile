# Production image: web (gunicorn), the workers and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint: Pango and HarfBuzz, plus HarfBuzz's subsetter (without it a Chinese page takes
# ~13 s instead of ~0.3 s) and a CJK font so PDFs embed real Chinese glyphs. gettext compiles
# the English catalogue. postgresql-client (15, as the database) gives `manage.py backup` its
# pg_dump and `manage.py restore` its pg_restore. libldap and libsasl2 serve python-ldap (directory sign-on).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-noto-cjk gettext postgresql-client libldap-2.5-0 libsasl2-2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt ./
# python-ldap has no wheel: compile it, then drop the compiler and headers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libldap2-dev libsasl2-dev \
 && pip install -c constraints.txt . \
 && apt-get purge -y --auto-remove gcc libc6-dev libldap2-dev libsasl2-dev \
 && rm -rf /var/lib/apt/lists/*

COPY . .
RUN DEBUG=1 python manage.py compilemessages --ignore=.venv -v 0 \
 && SECRET_KEY=image-build-only BALLOT_KEYS=aW1hZ2UtYnVpbGQtb25seS1ub3QtYS1yZWFsLWtleSE python manage.py collectstatic --no-input -v 0 \
 && useradd --uid 10001 --home-dir /app --no-create-home app \
 && mkdir -p /data/media /backups /backup-keys \
 && chown -R app /data /backups /backup-keys \
 && chmod 700 /backup-keys

USER app
EXPOSE 8000
# Workers (GUNICORN_WORKERS), timeouts (GUNICORN_TIMEOUT) and worker recycling: config/gunicorn.py.
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"]
