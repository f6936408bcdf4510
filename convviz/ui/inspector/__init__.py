"""The inspector tab: a trained model explained on a digit you draw or pick."""

from convviz.ui.inspector.inspector_tab import InspectorTab

__all__ = ["InspectorTab"]
