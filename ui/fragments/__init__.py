"""What several pages draw: the application detail, attachments, the review of a request."""
