// One silo server for the whole assembly (ApiServerFixture); tests share it and keep to their own jobs and tenants.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
