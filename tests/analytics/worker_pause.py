"""For the worker tests only (the test worker imports this module with celery worker --include; the product never
does): with ANALYTICS_TEST_PAUSE_SECONDS set, each run pauses after it has started, at 30% "Computing", so that a
test can find it running and kill its worker there."""

import os
import time

from celery.signals import task_prerun

PAUSE = float(os.environ.get("ANALYTICS_TEST_PAUSE_SECONDS") or 0)
_patched = False


@task_prerun.connect
def _pause_runs(**kwargs) -> None:
    global _patched
    if not PAUSE or _patched:
        return
    from analytics.services import compute

    original = dict(compute.COMPUTE)

    def paused(kind):
        def run(work):
            work.report("computing", 30)
            time.sleep(PAUSE)
            return original[kind](work)

        return run

    for kind in original:
        compute.COMPUTE[kind] = paused(kind)
    _patched = True
