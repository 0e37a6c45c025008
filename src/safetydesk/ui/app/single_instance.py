"""One SafetyDesk per person per data file: a second start brings the running window forward.

The first start listens on a local socket named from the person's login and the data file's
path (``QLocalServer``); a second start finds it (``QLocalSocket``), asks it to come to the
front and ends, so the same file is never opened twice by one person."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

WAIT_MS = 500


def server_name(data_file: object) -> str:
    try:
        person = getpass.getuser()
    except (KeyError, OSError):
        person = "someone"
    digest = hashlib.sha256(f"{person}\0{data_file}".encode()).hexdigest()[:20]
    return f"safetydesk-{digest}"


def ask_running(name: str) -> bool:
    """True when a SafetyDesk already runs for this name (it was asked to come forward)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(WAIT_MS):
        return False
    socket.write(b"raise\n")
    socket.flush()
    socket.waitForBytesWritten(WAIT_MS)
    socket.disconnectFromServer()
    return True


class SingleInstance(QObject):
    """Listens for a second start; ``asked`` is emitted when one wants this window forward."""

    asked = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connection)

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # left behind by a SafetyDesk that crashed
        return self.server.listen(self.name)

    def _connection(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.disconnected.connect(socket.deleteLater)
            self.asked.emit()

    def close(self) -> None:
        self.server.close()
