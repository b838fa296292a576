"""An area's territory across the 2025 reform: the units, of every structure, whose records count
in the area's figures, and the path by which each one's figures add up into it.

A record keeps the unit of its time (a longevity gift of March 2025 stays in the old commune),
so the figure of an area for a year is computed across structures (README, "Figures across the
reform"): the area's own units (the units below it) and its predecessors, those whose whole
territory passed to it or to a unit below it (Bắc Kạn and the old Thái Nguyên for the new
Thái Nguyên; the old communes merged whole into a new commune). A commune divided between
several new ones counts only in an area that holds all of its parts (the new province, not
each new commune). The territory does not depend on the year: "2024 on today's boundaries" is
the 2024 records of the units of today's territory, which were the old ones.

Each unit of a territory has one link towards the area: its parent when the parent is in the
territory (figures add up along the hierarchy of their time), otherwise the unit that succeeded
it. Each unit's figures are thus counted once, however many structures the territory spans.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from areas.models import AdminUnit

HIERARCHY = "hierarchy"
SUCCESSION = "succession"


@dataclass(frozen=True)
class Territory:
    """The territory of the unit `root` (an id): `links` maps every other unit of it to (the id
    of the unit its figures add into, HIERARCHY or SUCCESSION)."""

    root: int
    links: dict
    # unit id -> the last day it was in force (None: still in force), for every unit of it.
    ends: dict = field(default_factory=dict)

    @property
    def unit_ids(self):
        return {self.root, *self.links}

    def below(self, unit_id, kind):
        """The units whose figures add into `unit_id` by a link of `kind`."""
        return [unit for unit, (above, link) in self.links.items() if above == unit_id and link == kind]

    @property
    def predecessor_ids(self):
        """The units that count in the area through a succession (the topmost of the older
        structures: the old provinces for a new province)."""
        return [unit for unit, (_above, link) in self.links.items() if link == SUCCESSION]


class UnitGraph:
    """Every unit's parent and successors, read in two queries (a few hundred rows for a province,
    some thirteen thousand for the whole country), from which any territory is computed."""

    def __init__(self):
        self.parent, self.ends, self.children = {}, {}, defaultdict(set)
        for unit, parent, valid_to in AdminUnit.objects.order_by().values_list("pk", "parent_id", "valid_to"):
            self.parent[unit], self.ends[unit] = parent, valid_to
            if parent is not None:
                self.children[parent].add(unit)
        self.successors, self.predecessors = defaultdict(set), defaultdict(set)
        pairs = AdminUnit.successors.through.objects.order_by().values_list("from_adminunit_id", "to_adminunit_id")
        for old, new in pairs:
            self.successors[old].add(new)
            self.predecessors[new].add(old)

    def territory(self, root):
        """The Territory of the unit with id `root`."""
        units = self._closure(root)
        links = {}
        for unit in units - {root}:
            parent = self.parent.get(unit)
            if parent in units:
                links[unit] = (parent, HIERARCHY)
            else:
                links[unit] = (self._succeeded_by(unit, units, root), SUCCESSION)
        return Territory(root, links, {unit: self.ends.get(unit) for unit in units})

    def territory_ids(self, roots):
        """The ids of every unit in the territory of one of `roots`."""
        ids = set()
        for root in roots:
            if root not in ids:
                ids |= self._closure(root)
        return ids

    def covering(self, unit_ids):
        """{unit id: the units in whose territory it lies, nearest first}: itself, the units above
        it, and those of the unit that succeeded it (a divided unit: the units above all its parts)."""
        memo = {}
        return {unit: self._covering(unit, memo, ()) for unit in unit_ids}

    def _covering(self, unit, memo, visiting):
        if unit in memo:
            return memo[unit]
        if unit in visiting:  # a succession loop in bad data: nothing more above
            return [unit]
        visiting = (*visiting, unit)
        found = [unit]
        parent = self.parent.get(unit)
        if parent is not None:
            found += self._covering(parent, memo, visiting)
        successors = [self._covering(new, memo, visiting) for new in sorted(self.successors[unit])]
        if successors:
            found += [above for above in successors[0] if all(above in other for other in successors[1:])]
        memo[unit] = list(dict.fromkeys(found))
        return memo[unit]

    def _closure(self, root):
        """`root`, the units below it, and the predecessors all of whose successors are in it,
        with the units below those, until nothing more joins."""
        units, frontier = set(), [root]
        while frontier:
            while frontier:
                unit = frontier.pop()
                if unit not in units:
                    units.add(unit)
                    frontier.extend(self.children[unit] - units)
            frontier = [
                old
                for new in units
                for old in self.predecessors[new]
                if old not in units and self.successors[old] <= units
            ]
        return units

    def _succeeded_by(self, unit, units, root):
        """The unit of the territory that a predecessor's figures add into: its successor when it
        had one; when it was divided, the nearest unit above all its parts (else the root)."""
        successors = sorted(self.successors[unit])
        if len(successors) == 1:
            return successors[0]
        paths = [self._path_up(successor, units) for successor in successors]
        return next((unit for unit in paths[0] if all(unit in path for path in paths[1:])), root)

    def _path_up(self, unit, units):
        path = [unit]
        while self.parent.get(path[-1]) in units:
            path.append(self.parent[path[-1]])
        return path


def territory_of(area):
    """The Territory of `area` (a unit or its id)."""
    return UnitGraph().territory(getattr(area, "pk", area))
