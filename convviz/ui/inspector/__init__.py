"""The inspector tab (``inspector_tab.InspectorTab``): a trained model explained on a digit you draw or pick."""
