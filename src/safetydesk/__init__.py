"""SafetyDesk: records and reports for school safety and security services (Policy 4311)."""

__version__ = "0.1.0"
APP_NAME = "SafetyDesk"
