"""Measure generation quality per model size from text samples and write a calibration file.

readers: recognise and stream the supported file formats; sampling: bounded per-group samples;
detector: TF-IDF + logistic-regression detectability; textstats: length, distinct-n, repetition;
judgments: crowd "more likely human" shares; measure: the whole pipeline; writer: the calibration
file; report: the side-by-side table and chart.
"""
