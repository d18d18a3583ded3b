"""The dashboard's pages. Streamlit runs each as a script (dashboard/app.py); they form a package
so that the import contract (pyproject.toml) covers their imports too.
"""
