"""Boundary layers: the manifest in geo/, installing the demo pack, choosing the layer valid for a
period, shapes ready for the map, and importing users' own boundary files."""
