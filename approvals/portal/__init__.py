"""The developer portal's read side: the dashboard, and how far each reader has read an
application's conversation."""
