# ROI 助手: the web app (Slack + the spreadsheet plugin's API and pages) and the monthly clock, one image.
# compose.yaml runs it twice (web, clock) beside PostgreSQL and an https front; docs/deploy.md walks through it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000

WORKDIR /app

# the pinned runtime requirements first, so a code change does not reinstall them
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# a user without a password or a shell login; the code is root's and read-only to it, var/ (the demo's
# working copy, a SQLite file when DATABASE_URL is unset) is its own
RUN useradd --system --create-home --uid 10001 --user-group roi
COPY . .
RUN mkdir -p /app/var && chown roi:roi /app/var
USER roi

EXPOSE 8000

# the Procfile's web process, word for word ($PORT: 8000 here, or the platform's)
CMD ["sh", "-c", "exec gunicorn --workers 2 --threads 8 --bind 0.0.0.0:$PORT 'roi_server:create_app()'"]
