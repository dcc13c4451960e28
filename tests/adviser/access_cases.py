from tests.access_matrix import ADVISER, RouteCase

CASES = [
    RouteCase(
        "adviser.enterprises",
        "GET",
        lambda w: ("/adviser/enterprises?q=nord", {}),
        ADVISER,
        ok_statuses=frozenset({200}),
    ),
]
