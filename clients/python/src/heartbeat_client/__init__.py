"""Client for heartbeat-exporter: AI agents, workers and jobs push heartbeats that carry their progress and cost.

>>> from heartbeat_client import HeartbeatClient
>>> client = HeartbeatClient("http://127.0.0.1:9747", "order-processor", agent_type="worker")
>>> client.start_heartbeat(interval=30)          # doctest: +SKIP
>>> with client.task("refund #1234") as task:    # doctest: +SKIP
...     task.cost_usd = 0.003
>>> client.stop()                                # doctest: +SKIP
"""

from ._delivery import RetryPolicy
from ._transport import DeliveryError
from ._types import BeatReply, DeliveryStats, TaskRecord
from .client import HeartbeatClient, KillHandler

__all__ = ["HeartbeatClient", "BeatReply", "DeliveryStats", "TaskRecord", "RetryPolicy", "DeliveryError",
           "KillHandler", "__version__"]
__version__ = "0.1.0"
