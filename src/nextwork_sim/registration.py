"""Mesa registration in bulk, and the cyclic collector kept away from a model's agents.

Every student and educator is a real ``mesa.Agent`` registered with the model, so
``model.agents`` and ``model.agents_by_type`` hold them all. Registering a million agents one
``Agent.__init__`` at a time costs ~10 us each (two WeakKeyDictionary inserts, a logging
call), most of a state-sized build. Where Mesa keeps its registries as Mesa 3.3 and 3.4 do
(a ``model._agents`` dict and AgentSets over WeakKeyDictionaries), the agents of one batch
are made and registered in one pass per registry instead, with the unique_ids Mesa would
have given them, in the same order. Anything else (Mesa 3.5 keeps hard-keyed sets and emits
signals per agent; an agent class that overrides ``remove``) takes Mesa's own per-agent path.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import weakref
from collections import defaultdict, deque
from functools import partial

import mesa
from mesa.agent import AgentSet

#: False makes every batch take Mesa's per-agent path (tests compare the two).
BULK_REGISTRATION = True

_log = logging.getLogger(__name__)
#: the attributes ``cls(model, row)`` sets, in order: Mesa's three, then the row
_AGENT_FIELDS = ("model", "unique_id", "pos", "idx")


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic collector while a batch of agents (or a whole district) is made or
    dropped. Each new object counts towards the collections that traverse the whole heap,
    which would otherwise cost more than making the agents; nothing made is cyclic garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def old_objects_frozen():
    """While a run goes on, the cyclic collector skips every object that existed before it
    (``gc.freeze``): a state-sized model holds a million Mesa agents, and each full
    collection would walk them all (~0.6 s) to find none of them garbage. They are unfrozen
    after, so a worker that releases the model can collect it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _weak_store(agent_set) -> weakref.WeakKeyDictionary | None:
    """The WeakKeyDictionary behind a Mesa 3.3/3.4 AgentSet, or None for any other kind."""
    if type(agent_set) is not AgentSet:
        return None
    store = agent_set.__dict__.get("_agents")
    if (type(store) is not weakref.WeakKeyDictionary or type(store.__dict__.get("data")) is not dict
            or not callable(store.__dict__.get("_remove"))):
        return None
    return store


def _registries(model: mesa.Model, cls: type) -> tuple | None:
    """(model._agents, the WeakKeyDictionaries of ``agents_by_type[cls]`` and ``agents``) when
    registering ``cls`` agents is exactly an insert into each (Mesa 3.3, 3.4); else None."""
    if not BULK_REGISTRATION or getattr(cls, "remove", None) is not mesa.Agent.remove:
        return None
    if (type(model).register_agent is not mesa.Model.register_agent
            or type(model).deregister_agent is not mesa.Model.deregister_agent):
        return None
    hard = model.__dict__.get("_agents")
    by_type = model.__dict__.get("_agents_by_type")
    if type(hard) is not dict or type(by_type) is not dict:
        return None
    mine, everyone = _weak_store(by_type.get(cls)), _weak_store(model.__dict__.get("_all_agents"))
    if mine is None or everyone is None:
        return None
    return hard, mine, everyone


def _id_source(model: mesa.Model, cls: type, probe: mesa.Agent):
    """A callable giving the next ``count`` unique_ids as Mesa would assign them, after
    ``probe`` (just made by ``cls(model, row)``) took the last one; None if the counter is
    not where Mesa 3.3 (``Agent._ids[model]``) or 3.4 (``model.agent_id_counter``) keeps it."""
    counter = model.__dict__.get("agent_id_counter")
    if isinstance(counter, int):
        if counter != probe.unique_id + 1:
            return None

        def take(count: int) -> range:
            start = model.agent_id_counter
            model.agent_id_counter = start + count
            return range(start, start + count)

        return take
    ids = getattr(cls, "_ids", None)
    if not isinstance(ids, defaultdict) or model not in ids:
        return None
    following = next(ids[model])
    if following != probe.unique_id + 1:  # not the counter Agent.__init__ used: put it back
        ids[model] = itertools.count(following)
        return None
    counter = ids[model]
    return lambda count: itertools.chain([following], itertools.islice(counter, count - 1))


def _made(new, cls: type, model: mesa.Model, idx: int, unique_id: int) -> mesa.Agent:
    """What ``cls(model, idx)`` leaves, less the registration: attributes in the same order."""
    agent = new(cls)
    agent.model = model
    agent.unique_id = unique_id
    agent.pos = None
    agent.idx = idx
    return agent


def create_agents(model: mesa.Model, cls: type, rows: list[int]) -> list:
    """Agents of ``cls`` (Student or Educator) for ``rows``, in order, registered with ``model``
    exactly as ``[cls(model, row) for row in rows]`` registers them. The first is made that way
    and shows what Mesa's ``Agent.__init__`` does; the rest are made and registered in bulk when
    it did only what is expected, else one by one the same way."""
    if not rows:
        return []
    with gc_paused():
        probe = cls(model, rows[0])
        rest = rows[1:]
        registries = _registries(model, cls)
        take = None
        if (registries is not None and tuple(vars(probe)) == _AGENT_FIELDS
                and cls.__new__ is object.__new__
                and all(probe in registry for registry in registries)):
            take = _id_source(model, cls, probe) if rest else None
        if take is None:
            return [probe, *(cls(model, row) for row in rest)]
        hard, mine, everyone = registries
        made = list(map(partial(_made, object.__new__, cls, model), rest, take(len(rest))))
        hard.update(dict.fromkeys(made))
        for store in (mine, everyone):
            store.data.update(zip(map(weakref.ref, made, itertools.repeat(store._remove)),
                                  itertools.repeat(None)))
    _log.debug("registered %d %s agents in bulk", len(rows), cls.__name__)
    return [probe, *made]


def remove_agents(model: mesa.Model, agents: list) -> None:
    """Deregister ``agents`` from ``model`` as ``agent.remove()`` on each would: in one pass
    per registry where ``create_agents`` could register them in bulk, else one by one."""
    if not agents:
        return
    kinds = set(map(type, agents))
    registries = _registries(model, kinds.pop()) if len(kinds) == 1 else None
    with gc_paused():
        if registries is None:
            for agent in agents:
                agent.remove()
            return
        hard, mine, everyone = registries
        deque(map(hard.pop, agents, itertools.repeat(None)), maxlen=0)
        for store in (mine, everyone):
            deque(map(store.data.pop, map(weakref.ref, agents), itertools.repeat(None)), maxlen=0)
            store._dirty_len = True  # as WeakKeyDictionary.__delitem__ marks it
    _log.debug("deregistered %d agents in bulk", len(agents))
