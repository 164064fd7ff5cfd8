namespace Memo.Auth.Sessions;

public static class NoStore
{
    /// <summary>
    /// Every response of the group carries <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c>: token responses
    /// must (RFC 6749 section 5.1, RFC 9700), and the rest (the signed-in user) gains nothing from a cache either.
    /// </summary>
    public static RouteGroupBuilder WithNoStore(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            return await next(context);
        });
        return group;
    }
}
