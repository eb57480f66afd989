"""Development tooling only: synthetic data for load tests, benchmarks and the demo (`manage.py
generate_dossiers`, the demo's synthetic dossiers). Never needed in production, and not installed there
unless PRECINCT_DEVDATA says so (config/settings.py). No models, no URLs: it writes the other apps' tables
in bulk, through their own code for codes, units and fees, so what it writes looks exactly like theirs."""
