"""The local diffusers backend. Importing this package imports neither torch nor diffusers."""
