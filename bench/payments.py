"""Payments: signing pay URLs and verifying callbacks (CPU only), then IPN notifications through the whole
Django stack (URL, middleware, signature, row lock, payment + request + hash-chained audit rows) in one
process, and refused replays (each one an audit row committed on its own).

Runs on a throw-away SQLite file by default; BENCH_DATABASE_URL=postgres://... runs it on PostgreSQL
(the database named there is created and dropped by Django's test runner machinery).
Usage: .venv/bin/python bench/payments.py [--payments 400]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
_tmp = tempfile.mkdtemp(prefix="precinct-bench-payments-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("MEDIA_ROOT", _tmp)

import django

django.setup()

from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from precinct.eservices.catalogue import catalogue_import
from precinct.eservices.demo import CATALOGUE
from precinct.eservices.models import Procedure
from precinct.eservices.services import dossier_submit
from precinct.payments.models import Payment, PaymentRequest
from precinct.payments.providers.sandbox import SandboxProvider
from precinct.payments.providers.vnpay import VnpayProvider, signature_valid
from precinct.payments.services import payment_start
from precinct.testing import build_world


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f}/s"


def cpu_figures(payment: Payment) -> None:
    provider = VnpayProvider(tmn_code="DEMOV210", secret="s" * 32, pay_url="https://pay.example/", api_url="")
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        provider.redirect_url(
            payment, return_url="https://precinct.example/payments/return/", client_ip="1.2.3.4", language="vi"
        )
    print(
        f"pay URL built and signed (HMAC-SHA512 over 13 sorted, encoded parameters): {rate(n, time.perf_counter() - start)}"
    )
    sandbox = SandboxProvider()
    params = sandbox.pay_params(payment, return_url="https://x/", client_ip="1.2.3.4", language="vi")
    callback = sandbox.callback_params(params, response_code="00")
    start = time.perf_counter()
    for _ in range(n):
        assert signature_valid(sandbox.secret, callback)
    print(f"callback signature verified: {rate(n, time.perf_counter() - start)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=400)
    args = parser.parse_args()
    from django.db import connection
    from django.test.utils import get_runner  # noqa: F401 (imported for its side effect of settings checks)

    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    print(f"database: {connection.vendor} ({test_db})")
    try:
        world = build_world()
        catalogue_import(actor=None, data=json.loads(CATALOGUE.read_text(encoding="utf-8")))
        procedure = Procedure.objects.get(code="CT-03")
        citizen = world.users["citizen"]
        payments = []
        for _ in range(args.payments):
            dossier = dossier_submit(
                actor=citizen,
                procedure=procedure,
                form_data={"dia_chi": "A", "den_ngay": "2027-06-30"},
                unit_code=world.ward_a.code,
            )
            request = PaymentRequest.objects.get(dossier=dossier)
            payments.append(
                payment_start(actor=citizen, request=request, return_url="http://testserver/payments/return/")
            )
        cpu_figures(payments[0][0])

        sandbox = SandboxProvider()
        from urllib.parse import parse_qsl, urlsplit

        callbacks = []
        for _payment, url in payments:
            params = dict(parse_qsl(urlsplit(url).query))
            callbacks.append(sandbox.callback_params(params, response_code="00"))
        client = Client()
        start = time.perf_counter()
        for callback in callbacks:
            assert client.get("/api/v1/payments/ipn/sandbox", callback).json()["RspCode"] == "00"
        elapsed = time.perf_counter() - start
        print(
            f"IPN settled through the API (paid): {rate(len(callbacks), elapsed)}, {elapsed / len(callbacks) * 1000:.2f} ms each"
        )
        start = time.perf_counter()
        for callback in callbacks:
            assert client.get("/api/v1/payments/ipn/sandbox", callback).json()["RspCode"] == "02"
        elapsed = time.perf_counter() - start
        print(
            f"IPN replays refused and audited: {rate(len(callbacks), elapsed)}, {elapsed / len(callbacks) * 1000:.2f} ms each"
        )
        forged = [dict(c, vnp_Amount="100") for c in callbacks]
        start = time.perf_counter()
        for callback in forged:
            assert client.get("/api/v1/payments/ipn/sandbox", callback).json()["RspCode"] == "97"
        elapsed = time.perf_counter() - start
        print(f"IPN forgeries refused and audited: {rate(len(forged), elapsed)}")
        print(f"({len(callbacks)} payments, {timezone.now():%Y-%m-%d})")
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
