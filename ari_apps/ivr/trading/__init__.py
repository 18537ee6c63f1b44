"""Phone trading and bank transfers in the IVR (key 5 of the main menu). Start at desk.py."""
