"""Exchange of history entries with other workstations through a shared folder.

The share holds no live database: each workstation writes immutable, encrypted
and signed change files into its own folder (``changefile``), lays them out as
``share`` describes, and reads everyone else's (``engine``). The history itself
lives in the store and is reached only through the exchange API
(``exchange.HistoryExchange``).
"""
