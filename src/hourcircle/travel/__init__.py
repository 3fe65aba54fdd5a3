"""The travel layer every analysis talks to: :class:`~hourcircle.travel.times.TravelTimes`.

Modules: ``times`` (the facade: engines per profile, minutes, trip memo), ``route`` (a route
itemised), ``edges`` (edges by profile, node-pair lookups, closures), ``trains`` (minutes in
trains), ``nearest`` (the nearest site of each category), ``query`` (a question's budget and
mode), ``names`` (what users type) and ``removals`` (what a disruption takes out).
"""
