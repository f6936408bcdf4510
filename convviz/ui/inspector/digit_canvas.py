"""A canvas to draw a digit on with the mouse: left button draws, right button erases."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

RESOLUTION = 280  # drawing resolution: 10x MNIST's 28, so strokes are smooth before downsampling


class DigitCanvas(QWidget):
    """Draw a digit; :meth:`ink` returns it as a float array in [0, 1] (ink bright, like MNIST)."""

    changed = pyqtSignal()  # after every stroke segment and on clear
    strokeStarted = pyqtSignal()  # the user starts drawing or erasing with the mouse

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage(RESOLUTION, RESOLUTION, QImage.Format.Format_Grayscale8)
        self._image.fill(0)
        self._last: QPointF | None = None
        self._erasing = False
        self.brush = 22  # stroke width in canvas pixels (MNIST strokes are ~2-3 of 28)
        self.setMinimumSize(QSize(196, 196))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left mouse button, erase with the right one")

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        """Prefer a comfortable square."""
        return QSize(280, 280)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        """Keep the canvas square."""
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        """Keep the canvas square."""
        return width

    def ink(self) -> np.ndarray:
        """Return the drawing as a (280, 280) float32 array in [0, 1]."""
        ptr = self._image.constBits()
        ptr.setsize(self._image.sizeInBytes())
        rows = np.frombuffer(ptr, np.uint8).reshape(RESOLUTION, self._image.bytesPerLine())
        return rows[:, :RESOLUTION].astype(np.float32) / 255.0

    def set_ink(self, image: np.ndarray) -> None:
        """Show ``image`` (2-D, values in [0, 1]) scaled to the canvas, e.g. a dataset digit."""
        array = np.clip(np.asarray(image, dtype=np.float32), 0, 1)
        data = np.ascontiguousarray((array * 255).astype(np.uint8))
        small = QImage(data.data, data.shape[1], data.shape[0], data.strides[0],
                       QImage.Format.Format_Grayscale8)
        self._image = small.scaled(RESOLUTION, RESOLUTION, Qt.AspectRatioMode.IgnoreAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self._image = self._image.convertToFormat(QImage.Format.Format_Grayscale8)
        self.update()
        self.changed.emit()

    def clear(self) -> None:
        """Erase everything."""
        self._image.fill(0)
        self.update()
        self.changed.emit()

    def _to_canvas(self, pos: QPointF) -> QPointF:
        side = self._side()
        origin = self._origin(side)
        scale = RESOLUTION / side
        return QPointF((pos.x() - origin.x()) * scale, (pos.y() - origin.y()) * scale)

    def _side(self) -> float:
        return float(min(self.width(), self.height()))

    def _origin(self, side: float) -> QPointF:
        return QPointF((self.width() - side) / 2, (self.height() - side) / 2)

    def _stroke(self, to: QPointF) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(0, 0, 0) if self._erasing else QColor(255, 255, 255)
        width = self.brush * (2 if self._erasing else 1)
        painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        start = self._last if self._last is not None else to
        painter.drawLine(start, to)
        painter.end()
        self._last = to
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Start a stroke (left) or an erase (right)."""
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return
        self._erasing = event.button() == Qt.MouseButton.RightButton
        self._last = None
        self.strokeStarted.emit()
        self._stroke(self._to_canvas(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Continue the stroke while a button is held."""
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self._stroke(self._to_canvas(event.position()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """End the stroke."""
        self._last = None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the canvas as white ink on black, with a faint 28x28 guide grid."""
        painter = QPainter(self)
        side = self._side()
        origin = self._origin(side)
        target = QRectF(origin.x(), origin.y(), side, side)
        painter.drawImage(target, self._image)
        painter.setPen(QPen(QColor(255, 255, 255, 28), 1))
        for i in range(1, 28):
            offset = side * i / 28
            painter.drawLine(QPointF(target.left() + offset, target.top()),
                             QPointF(target.left() + offset, target.bottom()))
            painter.drawLine(QPointF(target.left(), target.top() + offset),
                             QPointF(target.right(), target.top() + offset))
        painter.setPen(QPen(QColor("#6b7a90"), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        painter.end()
