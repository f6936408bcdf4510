"""The inspector tab."""

from convviz.ui.inspector.inspector_tab import InspectorTab

__all__ = ["InspectorTab"]
