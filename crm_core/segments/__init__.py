"""Classification: a tree of segments of any depth, each node a rule over attributes: the tree (tree.py), stored
and changed (service.py), where investors sit (paths.py, without pandas). Import from the module: this package
loads none."""
