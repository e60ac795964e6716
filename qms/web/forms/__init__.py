"""The pages' forms (WTForms, CSRF by Flask-WTF), one module per area; common.py holds what several share."""
