"""Thread limits for small numerical work; private to this package."""

from contextlib import AbstractContextManager, nullcontext
from typing import Any


def one_thread() -> AbstractContextManager[Any]:
    """Limit BLAS/OpenMP to one thread: on small matrices extra threads only add contention (measured 3-6× slower on 2 busy cores)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return nullcontext()
    return threadpool_limits(limits=1)
