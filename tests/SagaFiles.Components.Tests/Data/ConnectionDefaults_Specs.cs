using Npgsql;
using NUnit.Framework;
using SagaFiles.Components.Data;
using Shouldly;

namespace SagaFiles.Components.Tests.Data;

public class ConnectionDefaults_Specs
{
    const string Plain = "Host=db;Database=sagafiles;Username=app;Password=secret";

    [Test]
    public void Statements_are_prepared_and_kept_and_the_host_caps_its_pool()
    {
        var builder = new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithConnectionDefaults(Plain, maxPoolSize: 4));

        builder.MaxAutoPrepare.ShouldBe(64);
        builder.NoResetOnClose.ShouldBeTrue();
        builder.MaxPoolSize.ShouldBe(4);
        (builder.Host, builder.Database, builder.Username, builder.Password).ShouldBe(("db", "sagafiles", "app", "secret"));
    }

    [Test]
    public void Without_a_cap_the_pool_keeps_npgsqls_own_limit() =>
        new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithConnectionDefaults(Plain)).MaxPoolSize
            .ShouldBe(new NpgsqlConnectionStringBuilder().MaxPoolSize);

    [TestCase("Maximum Pool Size=50")]
    [TestCase("MaxPoolSize=50")]
    [TestCase("maximum pool size=50")]
    public void The_connection_strings_own_pool_size_wins(string setting) =>
        new NpgsqlConnectionStringBuilder(DatabaseRegistration.WithConnectionDefaults($"{Plain};{setting}", maxPoolSize: 4)).MaxPoolSize.ShouldBe(50);

    [Test]
    public void The_connection_strings_own_statement_settings_win()
    {
        var builder = new NpgsqlConnectionStringBuilder(
            DatabaseRegistration.WithConnectionDefaults($"{Plain};Max Auto Prepare=0;No Reset On Close=false", maxPoolSize: 4));

        builder.MaxAutoPrepare.ShouldBe(0);
        builder.NoResetOnClose.ShouldBeFalse();
    }
}
