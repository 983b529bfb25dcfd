"""Official documents (公文) the platform writes: one layout for every Word file it issues.

Not a Django app yet: the helpers here hold no data. In the import layers the package sits above
anjian.registry and below every domain app, so it may use anjian.core, anjian.org and anjian.registry
and each app that writes a document uses it."""
