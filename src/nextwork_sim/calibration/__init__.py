"""Calibration and validation against public targets (docs/calibration.md): read a targets
file and measure its rows (``targets``), fit the ``fitted`` parameters with Optuna
(``fitting``), report the fit at several seeds (``validation``), and write or read parameter
files (``parameter_file``)."""
