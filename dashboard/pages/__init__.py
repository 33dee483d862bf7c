"""One module per page: PATH, TITLE, ``layout(ctx, params)``, ``register_callbacks(app, ctx)``, and
the page's data function (what its callback computes), which the speed bench times directly."""
