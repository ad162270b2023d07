"""Where the time goes, in-process: the wall time of one call, and an Attribution of it to
chosen functions, database queries and Redis commands.
"""

import functools
import time


def per_call_us(fn, calls: int) -> float:
    for _ in range(min(50, calls)):
        fn()
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls * 1e6


class Attribution:
    """Wall time spent inside chosen functions, database queries and Redis commands while a
    view runs: patched in place for the measurement, restored after."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.commands: list[str] = []
        self._undo = []

    def _add(self, label: str, started: float) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        self.calls[label] = self.calls.get(label, 0) + 1

    def wrap(self, owner, attribute: str, label: str) -> None:
        original = getattr(owner, attribute)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(label, started)

        setattr(owner, attribute, timed)
        self._undo.append(lambda: setattr(owner, attribute, original))

    def wrap_redis(self, redis_class) -> None:
        original = redis_class.execute_command

        def timed(client, *args, **options):
            started = time.perf_counter()
            try:
                return original(client, *args, **options)
            finally:
                self._add("redis", started)
                self.commands.append(str(args[0]))

        redis_class.execute_command = timed
        self._undo.append(lambda: setattr(redis_class, "execute_command", original))

    def database(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._add("database", started)

    def restore(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def per_call(self, label: str, calls: int) -> tuple[float, float]:
        """(microseconds, times) per view call."""
        return self.seconds.get(label, 0.0) / calls * 1e6, self.calls.get(label, 0) / calls
