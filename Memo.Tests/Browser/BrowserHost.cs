
using Memo.DevHost.Infrastructure;
using Memo.Tests.Hosting;

using Microsoft.Playwright;

namespace Memo.Tests.Browser;

/// <summary>
/// The local stack with Memo.Web, and a gateway in front of it as people reach it, and Debian's Chromium (headless)
/// driven by Playwright: one per test class. Nothing here downloads a browser: Playwright launches <see cref="ChromiumPath"/>.
/// </summary>
public class BrowserHost : IAsyncLifetime
{
    /// <summary>Debian's chromium package (<c>apt-get install chromium</c>); MEMO_CHROMIUM overrides it.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("MEMO_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ServiceProcess? _web;
    private ServiceProcess? _gateway;

    public BrowserHost() => Memo = new StackHost(this);

    public LocalMemoHost Memo { get; }

    public ServiceProcess Web => _web ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where a person opens Memo: the gateway, which sends everything but the APIs to Memo.Web.</summary>
    public Uri Url => (_gateway ?? throw new InvalidOperationException("Not started.")).Url;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    /// <summary>The settings this class's Auth starts with.</summary>
    protected virtual IReadOnlyDictionary<string, string> AuthSettings => LocalMemoHost.FastAuthSettings;

    protected virtual IReadOnlyDictionary<string, string> WebSettings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        await Memo.InitializeAsync();
        _web = await StartWebAsync(Memo.AuthServiceUrl, Memo.NotesServiceUrl);
        _gateway = await Memo.Stack.StartGatewayAsync(Memo.AuthServiceUrl, Memo.NotesServiceUrl, LocalMemoHost.RelaxedGatewaySettings, web: _web.Url);
        // Assertions wait for the page up to 15 s rather than 5: this machine's two cores are often shared (a sign-up
        // hashes a password twice). A bound on waiting, not a measure of speed.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
    }

    /// <summary>
    /// Another Memo.Web instance on the same Redis, pointed at the given Auth and Notes (which need not be running),
    /// without a gateway in front.
    /// </summary>
    public Task<ServiceProcess> StartWebAsync(Uri auth, Uri notes, int? port = null) =>
        Memo.Stack.StartWebAsync(auth, notes, WebSettings, port);

    /// <summary>Stops Memo.Web and starts it again on the same address, as a deployment would.</summary>
    public async Task RestartWebAsync()
    {
        var port = Web.Url.Port;
        await Web.StopAsync();
        await Web.DisposeAsync();
        _web = await StartWebAsync(Memo.AuthServiceUrl, Memo.NotesServiceUrl, port);
    }

    /// <summary>A fresh browser profile (its own cookies), as a person in another browser would have.</summary>
    public Task<IBrowserContext> NewContextAsync(string locale = "en-US", Uri? url = null) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (url ?? Url).ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1024, Height = 768 },
        });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_web is not null)
        {
            await _web.DisposeAsync();
        }

        await Memo.DisposeAsync();
    }

    /// <summary>The local stack, its Auth started with this class's <see cref="AuthSettings"/>.</summary>
    private sealed class StackHost(BrowserHost browser) : LocalMemoHost
    {
        protected override IReadOnlyDictionary<string, string> AuthSettings => browser.AuthSettings;
    }
}
