"""Running calls at the same moment, to test what row locks and Redis scripts promise."""

import threading

from django.db import connections


def at_once(*calls):
    """Runs the calls in parallel threads released together; returns their results."""
    results, start = [None] * len(calls), threading.Barrier(len(calls))

    def run(i, call):
        try:
            start.wait()
            results[i] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
