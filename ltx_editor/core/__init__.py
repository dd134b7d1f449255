"""The domain: settings, model catalog, project/timeline, media and export. No Qt, no torch."""
