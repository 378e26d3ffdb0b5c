"""Workshop: customers, vehicles, service visits, maintenance reminders, whatsapp_report."""
