"""CMS flavours of the replica (issue 14): see ``replica/cms/truth.py`` for the ground truth."""
