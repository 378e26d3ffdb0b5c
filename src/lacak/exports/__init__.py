"""Exports: CSV and XLSX downloads of signals, prompts, whatsapp_report and messages."""
