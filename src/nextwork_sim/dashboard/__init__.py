"""``nextwork-sim dashboard``: a Solara app to explore results folders, edit a scenario's
headline levers and run a small comparison in the background (docs in README.md,
"Dashboard").

Modules: ``data`` (results folders, summaries, differences, zip), ``figures`` (Plotly),
``levers`` (the editable config fields and the edited scenario), ``background`` (the capped
run through ``api.compare``), ``state`` (per-session choices), ``widgets``, ``pages`` and
``run_page`` (the Solara components), ``app`` (routes), ``server`` (an offline server).
"""
