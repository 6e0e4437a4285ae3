"""The delivery record: one per month, a lease one run at a time."""

import datetime as dt

from roi_app.stores.records import LEASE, DeliveryStore


def store(tmp_path):
    return DeliveryStore(f"sqlite:///{tmp_path / 'db.sqlite'}")


def test_one_lease_at_a_time(tmp_path):
    s = store(tmp_path)
    first = s.acquire("2026-10")
    assert first and s.acquire("2026-10") is None
    s.release("2026-10", first)
    assert s.acquire("2026-10") is not None
    assert s.get("2026-10").attempts == 2


def test_two_stores_on_one_database_share_the_lease(tmp_path):
    a, b = store(tmp_path), store(tmp_path)
    assert a.acquire("2026-10") and b.acquire("2026-10") is None


def test_an_abandoned_lease_expires(tmp_path):
    s = store(tmp_path)
    t0 = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)
    assert s.acquire("2026-10", now=t0)
    assert s.acquire("2026-10", now=t0 + LEASE / 2) is None
    assert s.acquire("2026-10", now=t0 + LEASE + dt.timedelta(seconds=1))


def test_records_progress_and_missed_never_overrides_posted(tmp_path):
    s = store(tmp_path)
    owner = s.acquire("2026-10")
    s.mark_sheet_written("2026-10", owner)
    s.mark_posted("2026-10", owner, "C1", "1.2")
    s.mark_missed("2026-10", "late")
    rec = s.get("2026-10")
    assert (rec.status, rec.channel, rec.message_ts) == ("posted", "C1", "1.2") and rec.sheet_written_at
    s.mark_missed("2026-09", "clock down")
    assert s.get("2026-09").status == "missed"


def test_stores_opened_at_once_on_a_new_database_all_open(tmp_path):
    """Eight threads open the three stores on one new SQLite file: each CREATE another thread wins is checked
    again, so every store opens and every table exists once (a single retry was not enough for 8 tables)."""
    import threading

    from sqlalchemy import inspect

    from roi_app.stores.records import AlertStore, ProposalStore, metadata

    url = f"sqlite:///{tmp_path / 'race.sqlite'}"
    errors: list[BaseException] = []

    def open_all():
        try:
            for store in (DeliveryStore, AlertStore, ProposalStore):
                store(url)
        except BaseException as err:  # noqa: BLE001 - the test reports whatever a thread raised
            errors.append(err)

    threads = [threading.Thread(target=open_all) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert set(inspect(DeliveryStore(url).engine).get_table_names()) == set(metadata.tables)
