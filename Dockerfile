# FEWS web app and scheduler (DESIGN.md §10-11). One image, two roles:
#   web:        gunicorn fews.wsgi:app (several worker processes; the default command)
#   scheduler:  fews scheduler (exactly one per deployment)
# Everything is installed at build time; nothing is downloaded when a container runs
# (the MassBank spectra and the OPSIN jar ship inside the packages).
# Build: docker build -t fews .      Run: see compose.yaml and README.md "Deployment".

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/fews
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY fews ./fews
COPY chem ./chem
COPY intake ./intake
COPY alerts ./alerts
COPY web ./web
COPY reference_spectra ./reference_spectra
# editable: the vendored web assets and data files are used in place from /app
RUN /opt/fews/bin/pip install -e ".[deploy]" \
    && /opt/fews/bin/python -c "import fews, chem, intake, alerts, web, reference_spectra, rdkit, dask, pyarrow"

FROM python:3.11-slim-bookworm
# Java for OPSIN (systematic names); Xrender for RDKit depictions; Pango and fonts for PDF output
RUN apt-get update \
    && apt-get install -y --no-install-recommends default-jre-headless libxrender1 libxext6 \
       libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/fews --create-home fews \
    && install -d -o fews -g fews /var/lib/fews/instance
COPY --from=build /opt/fews /opt/fews
COPY --from=build /app /app
ENV PATH=/opt/fews/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    FEWS_INSTANCE_PATH=/var/lib/fews/instance \
    PROMETHEUS_MULTIPROC_DIR=/tmp/fews-prometheus
WORKDIR /var/lib/fews
USER fews
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# gthread workers: each process serves --threads requests at once; the prometheus directory is
# emptied at start so request counters begin at zero (the database-backed figures need no reset)
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec gunicorn --bind 0.0.0.0:8000 --workers ${FEWS_WEB_WORKERS:-3} --threads ${FEWS_WEB_THREADS:-4} --worker-class gthread --timeout 120 fews.wsgi:app"]
