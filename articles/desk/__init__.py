"""The desk: the admin, the workflow panel, queues, history, import and export."""
